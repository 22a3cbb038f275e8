print("esco-supervise: not built yet")
