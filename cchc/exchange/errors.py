"""The one error of dump, restore and backup: its message (Vietnamese) is shown as is."""


class ExchangeError(Exception):
    pass
