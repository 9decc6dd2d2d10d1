"""The staff review: the queue, one submission, its actions, the printable page and the
screening thresholds (views, URLs, forms), and the presenters that turn a clinic-intake/1
document and its screening result into what staff read.

It sits above the screening models and the questionnaire definition and beside the intake: it
never imports ``screening.intake``.
"""
