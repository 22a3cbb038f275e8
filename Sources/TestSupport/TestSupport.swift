// Module TestSupport: see DESIGN.md section 3.
