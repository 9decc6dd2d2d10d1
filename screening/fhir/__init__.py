"""The intake in HL7 FHIR R4, for the clinic's EHR.

- ``questionnaire``: the intake as one ``Questionnaire``, generated from the questionnaire
  definition (screening.questionnaire): steps as groups, answer codes, ``enableWhen`` for the
  branching, LOINC codes, the instruments' credits.
- ``response`` and ``resources``: a submission as a ``Patient``, its ``QuestionnaireResponse``,
  ``Observation``s (PHQ-9, GAD-7, C-SSRS risk, blood pressure, height, weight, BMI), one
  ``Flag`` per screening flag and a ``RiskAssessment`` for the outcome; ``bundle`` puts them
  in a transaction Bundle (conditional updates on stable identifiers) or NDJSON.
- ``export``: the same read from the database (one submission, pages of many).
- ``api`` and ``views``: the read-only REST API under /fhir/R4/ (integration tokens,
  screening.models.integration) and the clinician's download on the submission page.

The builders are plain functions over the clinic-intake/1 document, the stored screening
result and the submission's metadata, producing dicts; tests validate every one against the
FHIR R4 models of the ``fhir.resources`` package.
"""
