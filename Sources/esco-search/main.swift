print("esco-search: not built yet")
