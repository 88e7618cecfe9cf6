// The HTTPServer layer lands here.
