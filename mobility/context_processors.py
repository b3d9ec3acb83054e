from mobility.admin_site import may_use_admin
from mobility.enums import API_TOKEN_ROLES, CASEWORK_ROLES, STAFF_ROLES, Role
from mobility.registry import registry
from mobility.reports.access import REPORT_ROLES


def navigation(request):
    """What the navigation bar offers, from the user's roles (never a permission check)."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    roles = user.roles()
    return {
        "nav": {
            "referrals": bool(roles & (CASEWORK_ROLES | {Role.PRESCRIBER})),
            "new_referral": bool(roles & (CASEWORK_ROLES | {Role.PRESCRIBER})),
            "beneficiaries": bool(roles & STAFF_ROLES),
            # The modules' entries, as their AppConfig.ready() registered them.
            "modules": [entry for entry in registry.menu_in_order() if roles & entry.roles],
            "reports": bool(roles & REPORT_ROLES),
            "admin": may_use_admin(user),
            "api_tokens": bool(roles & API_TOKEN_ROLES),
            "imports": Role.ADMIN in roles,
            # The signed attendance sheets of a funder (mobility/sheet_audit.py).
            "sheet_audit": Role.ADMIN in roles,
        },
        "user_memberships": user.active_memberships(),
    }
