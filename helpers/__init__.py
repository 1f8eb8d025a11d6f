"""The course's helpers: one setup call per notebook, and exercise checks.

    import helpers
    MODEL = helpers.setup("01_chat_basics")

Everything else (credentials, live / record / replay, display) stays in here, so the notebook
cells show the OpenAI SDK exactly as you would write it at work.
"""

from .checks import check
from .meter import BudgetSpent, spent
from .recording import RecordingMismatch
from .session import SetupError, setup
from .settings import DEFAULT_MODEL

__all__ = ["DEFAULT_MODEL", "BudgetSpent", "RecordingMismatch", "SetupError", "check", "setup", "spent"]
