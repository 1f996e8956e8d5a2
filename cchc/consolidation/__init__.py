"""The consolidator's pages: who has reported for a period, and the dossier figures of every
unit watched, side by side (Biểu II.06a across the province)."""
