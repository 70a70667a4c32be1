"""Volume forecast: weekly shipments and revenue ahead per branch, region and network."""

from __future__ import annotations

from ui import forecast_page

forecast_page.render()
