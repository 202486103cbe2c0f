"""HTTP views: parse, validate, call one service, render."""
