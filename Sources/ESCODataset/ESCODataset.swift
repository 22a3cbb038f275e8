// Module ESCODataset: see DESIGN.md section 3.
