// Module ESCOConfig: see DESIGN.md section 3.
