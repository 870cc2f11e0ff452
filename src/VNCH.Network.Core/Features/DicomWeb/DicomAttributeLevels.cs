using VNCH.Network.Dicom;

namespace VNCH.Network.Core.Features.DicomWeb;

/// <summary>
/// Which query level an attribute belongs to, for QIDO-RS <c>includefield=all</c>: the patient and study modules
/// (PS3.3 C.7.1.1 Patient, C.7.2.1 General Study, C.7.2.2 Patient Study, C.7.1.3 Clinical Trial Subject, C.7.2.3
/// Clinical Trial Study) are the study level, as in the Study Root information model (PS3.4 C.6.2); General Series,
/// General Equipment, Frame of Reference and Clinical Trial Series (C.7.3.1, C.7.5.1, C.7.4.1, C.7.3.2) the series
/// level; everything else belongs to the instance.
/// </summary>
public static class DicomAttributeLevels
{
    private static readonly HashSet<DicomTag> Study =
    [
        DicomTags.SpecificCharacterSet,
        DicomTags.StudyDate, DicomTags.StudyTime, DicomTags.AccessionNumber, DicomTags.IssuerOfAccessionNumberSequence,
        DicomTags.ReferringPhysicianName, DicomTags.ReferringPhysicianIdentificationSequence, DicomTags.StudyDescription,
        DicomTags.ProcedureCodeSequence, DicomTags.PhysiciansOfRecord, DicomTags.PhysiciansOfRecordIdentificationSequence,
        DicomTags.NameOfPhysiciansReadingStudy, DicomTags.PhysiciansReadingStudyIdentificationSequence,
        DicomTags.AdmittingDiagnosesDescription, DicomTags.AdmittingDiagnosesCodeSequence, DicomTags.ReferencedStudySequence,
        DicomTags.ReasonForPerformedProcedureCodeSequence, DicomTags.StudyInstanceUID, DicomTags.StudyID,
        DicomTags.RequestingPhysician, DicomTags.RequestingService, DicomTags.RequestedProcedureDescription,
        DicomTags.RequestedProcedureCodeSequence, DicomTags.AdmissionID, DicomTags.IssuerOfAdmissionIDSequence,
        DicomTags.ServiceEpisodeID, DicomTags.ServiceEpisodeDescription, DicomTags.IssuerOfServiceEpisodeIDSequence,
    ];

    private static readonly HashSet<DicomTag> Series =
    [
        DicomTags.SeriesDate, DicomTags.SeriesTime, DicomTags.Modality, DicomTags.SeriesDescription,
        DicomTags.SeriesDescriptionCodeSequence, DicomTags.PerformingPhysicianName, DicomTags.PerformingPhysicianIdentificationSequence,
        DicomTags.OperatorsName, DicomTags.OperatorIdentificationSequence, DicomTags.ReferencedPerformedProcedureStepSequence,
        DicomTags.RelatedSeriesSequence, DicomTags.BodyPartExamined, DicomTags.ProtocolName, DicomTags.PatientPosition,
        DicomTags.SeriesInstanceUID, DicomTags.SeriesNumber, DicomTags.Laterality, DicomTags.SmallestPixelValueInSeries,
        DicomTags.LargestPixelValueInSeries, DicomTags.PerformedProcedureStepStartDate, DicomTags.PerformedProcedureStepStartTime,
        DicomTags.PerformedProcedureStepEndDate, DicomTags.PerformedProcedureStepEndTime, DicomTags.PerformedProcedureStepID,
        DicomTags.PerformedProcedureStepDescription, DicomTags.PerformedProtocolCodeSequence, DicomTags.CommentsOnThePerformedProcedureStep,
        DicomTags.RequestAttributesSequence, DicomTags.AnatomicalOrientationType,
        DicomTags.Manufacturer, DicomTags.InstitutionName, DicomTags.InstitutionAddress, DicomTags.StationName,
        DicomTags.InstitutionalDepartmentName, DicomTags.ManufacturerModelName, DicomTags.DeviceSerialNumber, DicomTags.SoftwareVersions,
        DicomTags.SpatialResolution, DicomTags.DateOfLastCalibration, DicomTags.TimeOfLastCalibration,
        DicomTags.FrameOfReferenceUID, DicomTags.PositionReferenceIndicator,
        DicomTags.ClinicalTrialCoordinatingCenterName, DicomTags.ClinicalTrialSeriesID, DicomTags.ClinicalTrialSeriesDescription,
    ];

    public static DicomQueryLevel Of(DicomTag tag) =>
        Series.Contains(tag) ? DicomQueryLevel.Series
        : Study.Contains(tag) || (tag.Group is 0x0010 or 0x0012) ? DicomQueryLevel.Study // Patient and clinical trial subject/study groups
        : DicomQueryLevel.Instance;
}
