"""``rejon bench``: figures an officer and a unit feel. Printed, never asserted by tests."""
