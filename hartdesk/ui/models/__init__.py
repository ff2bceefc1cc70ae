"""Qt item models: one ``QAbstractTableModel`` per list, rows cached as plain dataclasses (STYLE.md "Qt")."""
