""" "Please call me": asked for on the support page by someone who stops before sending their
intake. It is urgent (it alerts the clinicians on call) and carries only what a call needs, not
the intake: the answers stay in the draft, which nobody at the clinic can read until it is sent.
"""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from clinic.fields import EncryptedTextField
from screening.models.intake import Draft, new_reference


class BestTime(models.TextChoices):
    SOON = "as_soon_as_possible", _("As soon as possible")
    MORNING = "morning", _("Morning (8 am to noon)")
    AFTERNOON = "afternoon", _("Afternoon (noon to 5 pm)")
    EVENING = "evening", _("Evening (5 pm to 8 pm)")


class CallMeRequest(models.Model):
    """A name, a phone number and the best time to call, encrypted, with the person's consent
    to be called. Rows are added, never edited."""

    # Short, to read over the phone and to name the request in an alert; it opens nothing.
    reference = models.CharField(max_length=9, unique=True, default=new_reference, editable=False)
    # The intake it was asked from; the request outlives the draft (which expires).
    draft = models.ForeignKey(
        Draft, null=True, blank=True, on_delete=models.SET_NULL, related_name="call_me_requests"
    )
    name = EncryptedTextField()
    phone = EncryptedTextField()
    best_time = EncryptedTextField()
    # The form does not take a request without it; kept as the record that they agreed.
    consent = models.BooleanField(default=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = "call-me request"
        default_permissions = ("view",)

    def __str__(self):
        return f"Call-me request {self.reference}"

    @property
    def best_time_label(self):
        try:
            return BestTime(self.best_time).label
        except ValueError:
            return self.best_time
