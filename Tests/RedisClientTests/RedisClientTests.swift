// Tests of this layer land here.
