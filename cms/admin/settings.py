"""Back-office screens: settings (being built)."""

from __future__ import annotations

from cms.admin.menu import MenuItem

#: Menu entries of these screens.
MENU: list[MenuItem] = []
