"""Slots, appointment requests and appointments (see the appointments issue)."""
