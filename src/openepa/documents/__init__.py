"""PDF documents: the record of achievement, checklists, grading sheet, gateway and results."""
