from django.apps import AppConfig


class TimescalesConfig(AppConfig):
    """Working-day calendars, timescale rule profiles and deadlines."""

    name = "openics.timescales"
    label = "timescales"
    verbose_name = "Timescales"
