"""Customer tiering for branch networks: the UI-free library."""
