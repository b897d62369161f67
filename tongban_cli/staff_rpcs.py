"""The staff service's RPCs the CLI calls (tongban_cli.client.Rpc)."""

from __future__ import annotations

from tongban.staff.v1 import (
    accounts_pb2,
    assessment_pb2,
    attendance_pb2,
    calendar_pb2,
    leave_pb2,
    organisation_pb2,
    rotation_pb2,
)

from tongban_cli.client import Rpc

_ORGANISATION = organisation_pb2.DESCRIPTOR.services_by_name["OrganisationService"].full_name
_ACCOUNTS = accounts_pb2.DESCRIPTOR.services_by_name["AccountService"].full_name
_LEAVE = leave_pb2.DESCRIPTOR.services_by_name["LeaveService"].full_name
_CALENDAR = calendar_pb2.DESCRIPTOR.services_by_name["CalendarService"].full_name

LIST_ORG_SITES = Rpc(_ORGANISATION, "ListSites", organisation_pb2.ListSitesResponse)
LIST_STAFF = Rpc(_ORGANISATION, "ListStaff", organisation_pb2.ListStaffResponse)
GET_STAFF_MEMBER = Rpc(_ORGANISATION, "GetStaffMember", organisation_pb2.GetStaffMemberResponse)
PUT_WINDOW = Rpc(_ORGANISATION, "PutWindow", organisation_pb2.PutWindowResponse, mutating=True)
PUT_STAFF_MEMBER = Rpc(
    _ORGANISATION, "PutStaffMember", organisation_pb2.PutStaffMemberResponse, mutating=True
)
SET_POSTS = Rpc(_ORGANISATION, "SetPosts", organisation_pb2.SetPostsResponse, mutating=True)
GET_WINDOW_DUTY = Rpc(_ORGANISATION, "GetWindowDuty", organisation_pb2.GetWindowDutyResponse)

LOGIN = Rpc(_ACCOUNTS, "Login", accounts_pb2.LoginResponse)
REFRESH_TOKEN = Rpc(_ACCOUNTS, "RefreshToken", accounts_pb2.RefreshTokenResponse)
CHANGE_PASSWORD = Rpc(_ACCOUNTS, "ChangePassword", accounts_pb2.ChangePasswordResponse)
RESET_PASSWORD = Rpc(_ACCOUNTS, "ResetPassword", accounts_pb2.ResetPasswordResponse)
DISABLE_ACCOUNT = Rpc(_ACCOUNTS, "DisableAccount", accounts_pb2.DisableAccountResponse, mutating=True)
ENABLE_ACCOUNT = Rpc(_ACCOUNTS, "EnableAccount", accounts_pb2.EnableAccountResponse, mutating=True)
ROTATE_SIGNING_KEY = Rpc(_ACCOUNTS, "RotateSigningKey", accounts_pb2.RotateSigningKeyResponse, mutating=True)

PREVIEW_CALENDAR_YEAR = Rpc(_CALENDAR, "PreviewCalendarYear", calendar_pb2.PreviewCalendarYearResponse)
LOAD_CALENDAR_YEAR = Rpc(_CALENDAR, "LoadCalendarYear", calendar_pb2.LoadCalendarYearResponse, mutating=True)
GET_CALENDAR_YEAR = Rpc(_CALENDAR, "GetCalendarYear", calendar_pb2.GetCalendarYearResponse)

REQUEST_LEAVE = Rpc(_LEAVE, "RequestLeave", leave_pb2.RequestLeaveResponse, mutating=True)
DECIDE_LEAVE = Rpc(_LEAVE, "DecideLeave", leave_pb2.DecideLeaveResponse, mutating=True)
REPORT_RETURN = Rpc(_LEAVE, "ReportReturn", leave_pb2.ReportReturnResponse, mutating=True)
LIST_LEAVE = Rpc(_LEAVE, "ListLeave", leave_pb2.ListLeaveResponse)

_ATTENDANCE = attendance_pb2.DESCRIPTOR.services_by_name["AttendanceService"].full_name
CHECK_IN = Rpc(_ATTENDANCE, "CheckIn", attendance_pb2.CheckInResponse, mutating=True)
CHECK_OUT = Rpc(_ATTENDANCE, "CheckOut", attendance_pb2.CheckOutResponse, mutating=True)
LIST_ATTENDANCE = Rpc(_ATTENDANCE, "ListAttendance", attendance_pb2.ListAttendanceResponse)
CLOSE_DAY = Rpc(_ATTENDANCE, "CloseDay", attendance_pb2.CloseDayResponse, mutating=True)

_ASSESSMENT = assessment_pb2.DESCRIPTOR.services_by_name["AssessmentService"].full_name
RECORD_PRAISE = Rpc(_ASSESSMENT, "RecordPraise", assessment_pb2.RecordPraiseResponse, mutating=True)
GET_ASSESSMENT = Rpc(_ASSESSMENT, "GetAssessment", assessment_pb2.GetAssessmentResponse)

_ROTATION = rotation_pb2.DESCRIPTOR.services_by_name["RotationService"].full_name
REQUEST_ROTATION = Rpc(_ROTATION, "RequestRotation", rotation_pb2.RequestRotationResponse, mutating=True)
RECORD_TRAINING = Rpc(_ROTATION, "RecordTraining", rotation_pb2.RecordTrainingResponse, mutating=True)
COMPLETE_ROTATION = Rpc(_ROTATION, "CompleteRotation", rotation_pb2.CompleteRotationResponse, mutating=True)
SET_ROTATION_POLICY = Rpc(
    _ROTATION, "SetRotationPolicy", rotation_pb2.SetRotationPolicyResponse, mutating=True
)
LIST_ROTATIONS = Rpc(_ROTATION, "ListRotations", rotation_pb2.ListRotationsResponse)
