"""The ribbon's actions. Each module defines ``run(adapter) -> Outcome`` and never touches Excel directly."""
