// The JSONText layer lands here.
