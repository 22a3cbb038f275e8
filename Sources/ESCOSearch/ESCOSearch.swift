// Module ESCOSearch: see DESIGN.md section 3.
