"""The Django admin as platform administrators use it: one rule, the role.

An active platform administrator (Membership role=admin) opens /admin/ without
`is_staff`, superuser status or Django permissions, and sees there only the rows of the
platforms they administer: every ModelAdmin and inline of the project is built on
`PlatformScoped`, which filters querysets and choices to those platforms, derives
permissions from the role (`platform_admin_may`) and checks each write. The superuser is
the operator's account: it sees and manages everything, as Django's admin always did.
"""

from __future__ import annotations

from django.contrib import admin
from django.contrib.admin import AdminSite, RelatedOnlyFieldListFilter
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from mobility.enums import Role

VIEW, ADD, CHANGE = "view", "add", "change"
MANAGE = frozenset({VIEW, ADD, CHANGE})
EDIT = frozenset({VIEW, CHANGE})
READ = frozenset({VIEW})


def administered_platform_ids(user) -> set[int]:
    """The active platforms where `user` is an administrator (nothing when signed out)."""
    if not user.is_authenticated:
        return set()
    return user.platform_ids({Role.ADMIN})


def is_operator(user) -> bool:
    """The operator's account: a superuser sees every platform."""
    return user.is_active and user.is_superuser


def may_use_admin(user) -> bool:
    """Who may open /admin/: the operator (and staff it made), and platform administrators."""
    if not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or bool(administered_platform_ids(user))


class PlatformAdminSite(AdminSite):
    site_header = _("Administration des plateformes mobilité")
    site_title = _("Administration — plateformes mobilité")
    index_title = _("Tableau de bord")

    def has_permission(self, request):
        return may_use_admin(request.user)

    def each_context(self, request):
        context = super().each_context(request)
        user = request.user
        if user.is_authenticated and not is_operator(user):
            # A platform administrator reads the name of what they administer.
            names = sorted(
                {m.platform.name for m in user.active_memberships() if m.role == Role.ADMIN}
            )
            if names:
                context["site_header"] = _("Administration — %(platforms)s") % {
                    "platforms": ", ".join(names)
                }
        return context


def _path_is_direct(model, path: str) -> bool:
    """Whether `path` names a concrete foreign key of `model` (its value is on the row)."""
    if "__" in path:
        return False
    try:
        field = model._meta.get_field(path)
    except FieldDoesNotExist:
        return False
    return field.concrete and field.many_to_one


def _registered_admin(admin_site, model):
    return admin_site._registry.get(model)


class ScopedRelatedFieldListFilter(RelatedOnlyFieldListFilter):
    """The related rows found among the listed ones, and among those only the platform
    administrator's own (an account's other platforms are not named)."""

    def field_choices(self, field, request, model_admin):
        listed = (
            model_admin.get_queryset(request)
            .distinct()
            .values_list(f"{self.field_path}__pk", flat=True)
        )
        allowed = model_admin.choices_for(field.related_model, request).values("pk")
        return field.get_choices(
            include_blank=False,
            limit_choices_to=Q(pk__in=listed) & Q(pk__in=allowed),
            ordering=self.field_admin_ordering(field, request, model_admin),
        )


class PlatformScoped:
    """Filters, permissions and choices from the platforms the signed-in user administers.

    `platform_path` leads from the model to its Platform ("platform", "pk" for Platform
    itself, "memberships__platform" for an account); `shared_when_empty`: rows without a
    platform (the tariff grids shipped with the software) are readable by every platform
    administrator, never changed by them. `platform_admin_may` is what a platform
    administrator may do with rows of their platforms; nothing means the operator only.
    """

    platform_path: str | None = None
    shared_when_empty = False
    platform_admin_may: frozenset[str] = frozenset()

    # --- scope ---------------------------------------------------------------------------

    def platform_condition(self, platform_ids, *, with_shared: bool) -> Q:
        if self.platform_path is None:
            return Q(pk__in=[])
        condition = Q(**{f"{self.platform_path}__in": platform_ids})
        if with_shared and self.shared_when_empty:
            condition |= Q(**{f"{self.platform_path}__isnull": True})
        return condition

    def scope(self, queryset, request, *, with_shared: bool = True):
        """`queryset` reduced to the rows of the platforms `request.user` administers."""
        condition = self.platform_condition(
            administered_platform_ids(request.user), with_shared=with_shared
        )
        if self.platform_path and "__" in self.platform_path:
            # Through a to-many relation (an account's memberships): no duplicate rows.
            rows = queryset.model._default_manager.filter(condition).values("pk")
            return queryset.filter(pk__in=rows)
        return queryset.filter(condition)

    def in_scope(self, request, obj, *, with_shared: bool = True) -> bool:
        if obj is None or obj.pk is None:
            return False
        rows = self.model._default_manager.filter(pk=obj.pk)
        return self.scope(rows, request, with_shared=with_shared).exists()

    def platform_ids_of(self, obj) -> set[int | None] | None:
        """The platform(s) an unsaved or changed object names, or None if it names them
        through a to-many relation (checked by the admin of that relation)."""
        if self.platform_path == "pk":
            return {obj.pk}
        if self.platform_path and _path_is_direct(type(obj), self.platform_path):
            return {getattr(obj, f"{self.platform_path}_id")}
        return None

    # --- permissions ---------------------------------------------------------------------

    def platform_admin_allows(self, request, action: str, obj=None) -> bool:
        if action not in self.platform_admin_may:
            return False
        if not administered_platform_ids(request.user):
            return False
        if obj is None:
            return True
        # Shared rows are read, never changed, by a platform administrator.
        return self.in_scope(request, obj, with_shared=action == VIEW)

    def has_module_permission(self, request):
        if is_operator(request.user):
            return super().has_module_permission(request)
        return bool(self.platform_admin_may) and bool(administered_platform_ids(request.user))

    def has_view_permission(self, request, obj=None):
        if is_operator(request.user):
            return super().has_view_permission(request, obj)
        return self.platform_admin_allows(request, VIEW, obj) or self.platform_admin_allows(
            request, CHANGE, obj
        )

    def has_add_permission(self, request, *args):
        if is_operator(request.user):
            return super().has_add_permission(request, *args)
        return self.platform_admin_allows(request, ADD)

    def has_change_permission(self, request, obj=None):
        if is_operator(request.user):
            return super().has_change_permission(request, obj)
        return self.platform_admin_allows(request, CHANGE, obj)

    def has_delete_permission(self, request, obj=None):
        if is_operator(request.user):
            return super().has_delete_permission(request, obj)
        return False  # platform administrators archive, deactivate and revoke

    # --- querysets and choices -----------------------------------------------------------

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_operator(request.user):
            return queryset
        return self.scope(queryset, request)

    def choices_for(self, model, request):
        """The rows of `model` a platform administrator may pick in a form."""
        manager = model._default_manager
        related_admin = _registered_admin(self.admin_site, model)
        if isinstance(related_admin, PlatformScoped) and related_admin.platform_path:
            return related_admin.scope(manager.all(), request)
        return manager.none()

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if not is_operator(request.user):
            # The form refuses any other platform's id: a forged POST writes nothing.
            queryset = self.choices_for(db_field.remote_field.model, request)
            if db_field.name == self.platform_path:
                platform_ids = administered_platform_ids(request.user)
                queryset = queryset.filter(pk__in=platform_ids)
                kwargs["required"] = True  # a shared row is the operator's
                if len(platform_ids) == 1:  # their platform, chosen already (roles too)
                    kwargs.setdefault("initial", next(iter(platform_ids)))
            kwargs["queryset"] = queryset
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if not is_operator(request.user):
            kwargs["queryset"] = self.choices_for(db_field.remote_field.model, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def get_autocomplete_fields(self, request):
        # A plain list of the platform's few rows; the search widget is the operator's.
        if is_operator(request.user):
            return super().get_autocomplete_fields(request)
        return ()

    def get_list_filter(self, request):
        filters = super().get_list_filter(request)
        if is_operator(request.user):
            return filters
        # Filters over related rows list only those in the platform's own rows.
        scoped = []
        for entry in filters:
            if isinstance(entry, str) and self._is_relation(entry):
                entry = (entry, ScopedRelatedFieldListFilter)
            scoped.append(entry)
        return scoped

    def _is_relation(self, path: str) -> bool:
        model = self.model
        field = None
        for part in path.split("__"):
            try:
                field = model._meta.get_field(part)
            except FieldDoesNotExist:
                return False
            if not field.is_relation:
                return False
            model = field.related_model
        return field is not None and field.is_relation

    def get_changeform_initial_data(self, request):
        initial = super().get_changeform_initial_data(request)
        platform_ids = administered_platform_ids(request.user)
        if (
            not is_operator(request.user)
            and len(platform_ids) == 1
            and self.platform_path
            and _path_is_direct(self.model, self.platform_path)
        ):
            initial.setdefault(self.platform_path, next(iter(platform_ids)))
        return initial

    # --- writes --------------------------------------------------------------------------

    def check_platform(self, request, obj) -> None:
        """Refuse to write a row outside the administrator's platforms (the forms already
        refuse such choices; this is the last word, inside the view's transaction)."""
        if is_operator(request.user):
            return
        names = self.platform_ids_of(obj)
        if names is not None and not names <= administered_platform_ids(request.user):
            raise PermissionDenied

    def save_model(self, request, obj, form, change):
        self.check_platform(request, obj)
        super().save_model(request, obj, form, change)

    def save_formset(self, request, form, formset, change):
        if not is_operator(request.user):
            inline = _inline_for(self, request, formset.model)
            for inline_form in formset.forms:
                instance = inline_form.instance
                if inline is not None and inline_form.has_changed():
                    inline.check_platform(request, instance)
        super().save_formset(request, form, formset, change)


def _inline_for(model_admin, request, model):
    for inline in model_admin.get_inline_instances(request):
        if inline.model is model and isinstance(inline, ScopedInline):
            return inline
    return None


class ScopedInline(PlatformScoped):
    """An inline follows its parent: readable when the parent is, editable when the parent
    is and `platform_admin_edits`; rows with a platform of their own are scoped as well."""

    platform_admin_edits = False

    def _parent(self):
        return _registered_admin(self.admin_site, self.parent_model)

    def has_view_permission(self, request, obj=None):
        if is_operator(request.user):
            return super(PlatformScoped, self).has_view_permission(request, obj)
        parent = self._parent()
        return parent is not None and parent.has_view_permission(request, obj)

    def _may_edit(self, request, obj) -> bool:
        parent = self._parent()
        return (
            self.platform_admin_edits
            and parent is not None
            and parent.has_change_permission(request, obj)
        )

    def has_add_permission(self, request, obj=None):
        if is_operator(request.user):
            return super(PlatformScoped, self).has_add_permission(request, obj)
        return self._may_edit(request, obj)

    def has_change_permission(self, request, obj=None):
        if is_operator(request.user):
            return super(PlatformScoped, self).has_change_permission(request, obj)
        return self._may_edit(request, obj)

    def has_delete_permission(self, request, obj=None):
        if is_operator(request.user):
            return super(PlatformScoped, self).has_delete_permission(request, obj)
        return self._may_edit(request, obj)

    def get_queryset(self, request):
        queryset = super(PlatformScoped, self).get_queryset(request)
        if is_operator(request.user) or self.platform_path is None:
            return queryset
        return self.scope(queryset, request)

    def choices_for(self, model, request):
        parent = self._parent()
        if model is self.parent_model or parent is None:
            return super().choices_for(model, request)
        return parent.choices_for(model, request)


class ScopedModelAdmin(PlatformScoped, admin.ModelAdmin):
    """A ModelAdmin of the project (see PlatformScoped)."""
