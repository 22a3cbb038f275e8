// Module ESCOClients: see DESIGN.md section 3.
