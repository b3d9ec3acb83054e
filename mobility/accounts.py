"""Signing out and a forgotten password, as Django does them, said in French.

The reset e-mail goes to the address of an active account only, and the page answers the
same whether or not the address is known, so it never tells who has an account.
"""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_logged_out
from django.dispatch import receiver
from django.urls import path, reverse_lazy
from django.utils.translation import gettext as _


@receiver(user_logged_out)
def say_signed_out(sender, request, user, **kwargs):
    # Shown on the sign-in page the logout redirects to: on a shared tablet, proof it worked.
    if request is not None:
        messages.info(request, _("Vous êtes déconnecté·e. À bientôt."))


urlpatterns = [
    path(
        "mot-de-passe/oublie/",
        auth_views.PasswordResetView.as_view(
            template_name="mobility/password_reset_form.html",
            email_template_name="mobility/emails/password_reset.txt",
            subject_template_name="mobility/emails/password_reset_subject.txt",
            success_url=reverse_lazy("password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "mot-de-passe/oublie/envoye/",
        auth_views.PasswordResetDoneView.as_view(template_name="mobility/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "mot-de-passe/nouveau/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="mobility/password_reset_confirm.html",
            success_url=reverse_lazy("password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "mot-de-passe/change/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="mobility/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
