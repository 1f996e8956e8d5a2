"""Open data: the consolidator publishes a period's consolidated statistics (aggregates only,
frozen when published); anyone reads them, downloads them as CSV and JSON, and open-data
portals harvest the DCAT catalogue (data.json)."""
