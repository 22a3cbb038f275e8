// Module ESCOIngestion: see DESIGN.md section 3.
