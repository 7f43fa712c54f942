"""Drive a verify-emulator (a local, stateful Twilio Verify) from a Python test suite.

    from verify_emulator import Emulator

    with Emulator.start() as emulator:              # a fresh emulator on a free port
        ...                                         # point the twilio SDK at emulator.url
        code = emulator.wait_for_code("+15005550006")

With pytest installed, the ``verify_emulator`` fixture gives each test an emulator restored to
the state it had when the session started (see ``verify_emulator.pytest_plugin``).
"""

from ._emulator import (
    DEFAULT_ACCOUNT_SID,
    Account,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_SERVICE_SID,
    Emulator,
    EmulatorError,
    Launch,
    Message,
    find_binary,
    free_port,
    launch,
)

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "Account",
    "DEFAULT_AUTH_TOKEN",
    "DEFAULT_SERVICE_SID",
    "Emulator",
    "EmulatorError",
    "Launch",
    "Message",
    "find_binary",
    "free_port",
    "launch",
]
