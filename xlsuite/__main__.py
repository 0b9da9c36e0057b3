"""``python -m xlsuite``: the same as the ``xlsuite`` command (the 发送到 entries call it this way)."""
from .cli import main

main()
