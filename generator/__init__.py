"""Static-site generator for a public Posyandu directory and Tim Pembina training material."""
