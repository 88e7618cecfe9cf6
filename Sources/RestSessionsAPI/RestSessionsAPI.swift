// The RestSessionsAPI layer lands here.
