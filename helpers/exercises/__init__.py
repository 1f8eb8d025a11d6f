"""Every lesson's exercise checks, one module a lesson (`nbNN.py`); importing a module registers its
checks. `helpers.check("NN.K", ...)` imports lesson NN's module alone; `load_all()` imports every one."""

import importlib
import pkgutil


def load_all() -> None:
    """Import (and so register) every lesson's checks."""
    for module in pkgutil.iter_modules(__path__):
        importlib.import_module(f"{__name__}.{module.name}")
