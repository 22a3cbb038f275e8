// Module ESCOSupervisor: see DESIGN.md section 3.
