print("esco-standin: not built yet")
