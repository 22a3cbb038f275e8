// ESCOSearchServer
