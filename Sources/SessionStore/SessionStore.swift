// The SessionStore layer lands here.
