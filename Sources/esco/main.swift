print("esco: not built yet")
