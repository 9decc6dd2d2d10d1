"""The URLs a FHIR resource names: the clinic's own (from SITE_URL) and the standard ones."""

from dataclasses import dataclass

FHIR_VERSION = "4.0.1"
QUESTIONNAIRE_ID = "clinic-intake"

LOINC = "http://loinc.org"
UCUM = "http://unitsofmeasure.org"
OBSERVATION_CATEGORY = "http://terminology.hl7.org/CodeSystem/observation-category"
FLAG_CATEGORY = "http://terminology.hl7.org/CodeSystem/flag-category"
ITEM_CONTROL = "http://hl7.org/fhir/questionnaire-item-control"
EXT_ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
EXT_UNIT = "http://hl7.org/fhir/StructureDefinition/questionnaire-unit"
EXT_ORDINAL = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
DATA_ABSENT = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# US Core profiles the resources follow where the intake has what they need.
US_CORE = "http://hl7.org/fhir/us/core/StructureDefinition"
VITAL_SIGNS = "http://hl7.org/fhir/StructureDefinition/vitalsigns"

# The units the definition writes, in UCUM.
UCUM_UNITS = {"mmHg": "mm[Hg]", "cm": "cm", "kg": "kg", "mg": "mg", "kg/m2": "kg/m2"}


@dataclass(frozen=True, slots=True)
class Site:
    """The clinic's FHIR addresses, all under its public address (settings.SITE_URL)."""

    url: str

    @property
    def fhir_base(self) -> str:
        return f"{self.url}/fhir/R4"

    @property
    def questionnaire(self) -> str:
        """The Questionnaire's canonical URL (its version travels beside it)."""
        return f"{self.fhir_base}/Questionnaire/{QUESTIONNAIRE_ID}"

    def identifier(self, kind: str) -> str:
        """The identifier system of one kind of record: submission, observation, flag..."""
        return f"{self.url}/fhir/identifier/{kind}"

    def code_system(self, name: str) -> str:
        """The clinic's own code system for one list of answers or codes."""
        return f"{self.url}/fhir/CodeSystem/{name.replace('_', '-')}"

    def extension(self, name: str) -> str:
        return f"{self.url}/fhir/StructureDefinition/{name}"
