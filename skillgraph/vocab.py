"""The one place Python names the vocabulary.

The terms themselves are defined (labels, domains, axioms) in ``ontology/skillgraph.ttl``;
this module only gives Python handles to them.  ``tests/test_ontology.py`` fails when a
name used here is not declared in the ontology, so the two cannot drift.
"""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCAT, DCTERMS, OWL, RDF, RDFS, SH, SKOS, VOID, XSD

SG_IRI = "https://w3id.org/skillgraph/ontology#"
SG = Namespace(SG_IRI)
DEFAULT_DATA_BASE = "https://w3id.org/skillgraph/id/"
ONTOLOGY_IRI = "https://w3id.org/skillgraph/ontology"

# classes
OccupationalStandard = SG.OccupationalStandard
Occupation = SG.Occupation
Trade = SG.Trade
SkillLevel = SG.SkillLevel
TradeLevel = SG.TradeLevel
OccupationalFunction = SG.OccupationalFunction
WorkContent = SG.WorkContent
Requirement = SG.Requirement
SkillRequirement = SG.SkillRequirement
KnowledgeRequirement = SG.KnowledgeRequirement
Competency = SG.Competency
BasicRequirementGroup = SG.BasicRequirementGroup
BasicRequirement = SG.BasicRequirement
ExamWeight = SG.ExamWeight
ExamType = SG.ExamType
EligibilityCondition = SG.EligibilityCondition
AssessmentProvision = SG.AssessmentProvision
Finding = SG.Finding
FindingKind = SG.FindingKind

# individuals
TheoryExam = SG.TheoryExam
SkillExam = SG.SkillExam
EthicsCategory = SG.Ethics
BaseKnowledgeCategory = SG.BaseKnowledge

# object properties
describesOccupation = SG.describesOccupation
occupation = SG.occupation
trade = SG.trade
level = SG.level
hasTrade = SG.hasTrade
hasTradeLevel = SG.hasTradeLevel
hasFunction = SG.hasFunction
hasWorkContent = SG.hasWorkContent
hasRequirement = SG.hasRequirement
coversLowerLevel = SG.coversLowerLevel
requires = SG.requires
expresses = SG.expresses
hasBasicRequirementGroup = SG.hasBasicRequirementGroup
hasBasicRequirement = SG.hasBasicRequirement
basicCategory = SG.basicCategory
hasExamWeight = SG.hasExamWeight
exam = SG.exam
weightOf = SG.weightOf
hasEligibilityCondition = SG.hasEligibilityCondition
forLevel = SG.forLevel
hasAssessmentProvision = SG.hasAssessmentProvision
hasFinding = SG.hasFinding
affects = SG.affects
findingKind = SG.findingKind

# datatype properties
rank = SG.rank
printedCode = SG.printedCode
sourceLine = SG.sourceLine
statement = SG.statement
weightPercent = SG.weightPercent
notAssessed = SG.notAssessed
weightRow = SG.weightRow
trainingHours = SG.trainingHours
functionCount = SG.functionCount
workContentCount = SG.workContentCount
skillRequirementCount = SG.skillRequirementCount
knowledgeRequirementCount = SG.knowledgeRequirementCount
requiredCount = SG.requiredCount
passMark = SG.passMark
greenOccupation = SG.greenOccupation
workEnvironment = SG.workEnvironment
abilityTraits = SG.abilityTraits
educationLevel = SG.educationLevel
routeNumber = SG.routeNumber
provisionType = SG.provisionType
message = SG.message
status = SG.status
sourceSha256 = SG.sourceSha256
position = SG.position

__all__ = [
    "DCAT",
    "DCTERMS",
    "DEFAULT_DATA_BASE",
    "ONTOLOGY_IRI",
    "OWL",
    "RDF",
    "RDFS",
    "SG",
    "SG_IRI",
    "SH",
    "SKOS",
    "VOID",
    "XSD",
]


def declared_terms() -> list[str]:
    """Local names of every sg: term this module exposes (for the drift test)."""
    return sorted(
        value.removeprefix(SG_IRI)
        for value in globals().values()
        if isinstance(value, str) and value.startswith(SG_IRI) and value != SG_IRI
    )

# curriculum (skillgraph.curriculum; the "Curriculum" section of the ontology)
Curriculum = SG.Curriculum
Course = SG.Course
Teaching = SG.Teaching
TreatmentLevel = SG.TreatmentLevel
Introduced = SG.Introduced
Developed = SG.Developed
Mastered = SG.Mastered
hasCourse = SG.hasCourse
hasTeaching = SG.hasTeaching
targetNode = SG.targetNode
teaches = SG.teaches
treatment = SG.treatment
courseHours = SG.courseHours

# eligibility, training and assessment (the "Eligibility, training and assessment" section
# of the ontology)
ConditionSet = SG.ConditionSet
EducationLevel = SG.EducationLevel
RelatedOccupation = SG.RelatedOccupation
MajorCategory = SG.MajorCategory
RelatednessScope = SG.RelatednessScope
CredentialType = SG.CredentialType
FormalTraining = SG.FormalTraining
Assessment = SG.Assessment
ThisOnly = SG.ThisOnly
ThisOrRelated = SG.ThisOrRelated
SkillLevelCertificate = SG.SkillLevelCertificate
PreparatoryTechnicianCertificate = SG.PreparatoryTechnicianCertificate
ComprehensiveReview = SG.ComprehensiveReview
alternative = SG.alternative
requiresCredential = SG.requiresCredential
requiresCredentialLevel = SG.requiresCredentialLevel
credentialScope = SG.credentialScope
workScope = SG.workScope
requiresFormalTraining = SG.requiresFormalTraining
requiresEducation = SG.requiresEducation
majorScope = SG.majorScope
programmeTargetLevel = SG.programmeTargetLevel
apprenticeshipScope = SG.apprenticeshipScope
higherEducationThan = SG.higherEducationThan
relatedOccupation = SG.relatedOccupation
relatedMajor = SG.relatedMajor
forEducation = SG.forEducation
hasFormalTraining = SG.hasFormalTraining
hasAssessment = SG.hasAssessment
appliesToLevel = SG.appliesToLevel
assessmentType = SG.assessmentType
statedIn = SG.statedIn
minYearsOfWork = SG.minYearsOfWork
yearsAfterCredential = SG.yearsAfterCredential
orHigherEducation = SG.orHigherEducation
acceptsFinalYearStudents = SG.acceptsFinalYearStudents
requiresApprenticeship = SG.requiresApprenticeship
standardHours = SG.standardHours
minDurationMinutes = SG.minDurationMinutes
passingScore = SG.passingScore
maxScore = SG.maxScore
invigilatorRatio = SG.invigilatorRatio
maxCandidatesPerInvigilator = SG.maxCandidatesPerInvigilator
minInvigilatorsPerRoom = SG.minInvigilatorsPerRoom
minReviewers = SG.minReviewers
oddNumberOfReviewers = SG.oddNumberOfReviewers
assessmentMethod = SG.assessmentMethod
venue = SG.venue
requiredEquipment = SG.requiredEquipment

# sources read from a PDF, the preface of an edition, assessors of the skill exam
sourcePage = SG.sourcePage
sourceKind = SG.sourceKind
edition = SG.edition
basedOn = SG.basedOn
draftingOrganisation = SG.draftingOrganisation
drafter = SG.drafter
reviewingOrganisation = SG.reviewingOrganisation
reviewer = SG.reviewer
approvedBy = SG.approvedBy
issuedBy = SG.issuedBy
prefaceText = SG.prefaceText
assessorRatio = SG.assessorRatio
maxCandidatesPerAssessor = SG.maxCandidatesPerAssessor
minAssessors = SG.minAssessors
oddNumberOfAssessors = SG.oddNumberOfAssessors
CompetencySimilarity = SG.CompetencySimilarity
similarCompetency = SG.similarCompetency
similarityScore = SG.similarityScore
similarityMethod = SG.similarityMethod
