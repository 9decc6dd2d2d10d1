from django.apps import AppConfig


class ClinicConfig(AppConfig):
    name = "clinic"
    verbose_name = "Clinic"

    def ready(self):
        # Django's place for connecting signal receivers: clinic.audit's @receiver functions
        # (sign-ins, failed sign-ins, sign-outs, lockouts) connect when it is imported, and it
        # imports clinic.models, which cannot load before the app registry is ready.
        from clinic import audit  # noqa: F401
