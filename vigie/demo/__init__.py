"""Bundled demo material: sample wire feeds, their feeds file and the events they must raise."""
