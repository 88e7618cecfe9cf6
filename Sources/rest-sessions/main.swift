print("rest-sessions: the executable lands with the REST API")
