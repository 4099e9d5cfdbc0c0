"""What people read: the HTML report, the evaluation report, the model card, figures.

- :mod:`framing.report.page` with :mod:`~framing.report.charts`, :mod:`~framing.report.nav`,
  :mod:`~framing.report.tables`: ``report.html`` (template in ``framing/templates``);
- :mod:`framing.report.plots`, :mod:`framing.report.calibration`: notebook figures;
- :mod:`framing.report.evaluation`, :mod:`framing.report.card`: ``report.md`` and the model card.
"""
