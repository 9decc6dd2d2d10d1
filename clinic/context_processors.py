from django.conf import settings

from clinic import crisis


def clinic(request):
    return {
        "clinic_name": settings.CLINIC_NAME,
        "clinic_phone": settings.CLINIC_PHONE,
        "clinic_email": settings.CLINIC_EMAIL,
        "crisis": crisis,
    }
