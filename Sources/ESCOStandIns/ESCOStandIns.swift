// Module ESCOStandIns: see DESIGN.md section 3.
