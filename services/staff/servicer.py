"""gRPC servicers: translate between the staff contracts and the use cases, nothing more."""

from __future__ import annotations

import grpc
from tongban.staff.v1 import (
    accounts_pb2,
    accounts_pb2_grpc,
    assessment_pb2,
    assessment_pb2_grpc,
    attendance_pb2,
    attendance_pb2_grpc,
    calendar_pb2,
    calendar_pb2_grpc,
    keys_pb2,
    keys_pb2_grpc,
    leave_pb2,
    leave_pb2_grpc,
    organisation_pb2,
    organisation_pb2_grpc,
    rotation_pb2,
    rotation_pb2_grpc,
)

from services.common.calls import current_call
from services.common.clock import Clock
from services.common.errors import grpc_errors
from services.common.usecases import UseCases
from services.staff.assessment_queries import AssessmentQueries
from services.staff.attendance_queries import AttendanceQueries
from services.staff.commands import accounts, assessment, attendance, calendar, leave, organisation, rotation
from services.staff.leave_queries import LeaveQueries
from services.staff.queries import CalendarQueries, KeyQueries, OrganisationQueries

G = organisation_pb2
P = accounts_pb2
K = calendar_pb2


class OrganisationServicer(organisation_pb2_grpc.OrganisationServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = OrganisationQueries(uc)

    @grpc_errors
    def ListSites(self, request: G.ListSitesRequest, context: grpc.ServicerContext) -> G.ListSitesResponse:
        return self.queries.list_sites()

    @grpc_errors
    def ListStaff(self, request: G.ListStaffRequest, context: grpc.ServicerContext) -> G.ListStaffResponse:
        return self.queries.list_staff(current_call(), request)

    @grpc_errors
    def GetStaffMember(
        self, request: G.GetStaffMemberRequest, context: grpc.ServicerContext
    ) -> G.GetStaffMemberResponse:
        return self.queries.get_member(current_call(), request)

    @grpc_errors
    def PutSite(self, request: G.PutSiteRequest, context: grpc.ServicerContext) -> G.PutSiteResponse:
        return organisation.put_site(self.uc, current_call(), request)

    @grpc_errors
    def PutDepartment(
        self, request: G.PutDepartmentRequest, context: grpc.ServicerContext
    ) -> G.PutDepartmentResponse:
        return organisation.put_department(self.uc, current_call(), request)

    @grpc_errors
    def PutWindow(self, request: G.PutWindowRequest, context: grpc.ServicerContext) -> G.PutWindowResponse:
        return organisation.put_window(self.uc, current_call(), request)

    @grpc_errors
    def PutStaffMember(
        self, request: G.PutStaffMemberRequest, context: grpc.ServicerContext
    ) -> G.PutStaffMemberResponse:
        return organisation.put_staff_member(self.uc, current_call(), request)

    @grpc_errors
    def SetPosts(self, request: G.SetPostsRequest, context: grpc.ServicerContext) -> G.SetPostsResponse:
        return organisation.set_posts(self.uc, current_call(), request)

    @grpc_errors
    def GetWindowDuty(
        self, request: G.GetWindowDutyRequest, context: grpc.ServicerContext
    ) -> G.GetWindowDutyResponse:
        return self.queries.window_duty(request)


class AccountServicer(accounts_pb2_grpc.AccountServiceServicer):
    def __init__(self, uc: UseCases, sign_in: accounts.SignIn) -> None:
        self.uc = uc
        self.sign_in = sign_in

    @grpc_errors
    def Login(self, request: P.LoginRequest, context: grpc.ServicerContext) -> P.LoginResponse:
        return accounts.login(self.uc, self.sign_in, request)

    @grpc_errors
    def RefreshToken(
        self, request: P.RefreshTokenRequest, context: grpc.ServicerContext
    ) -> P.RefreshTokenResponse:
        return accounts.refresh(self.uc, current_call(), self.sign_in)

    @grpc_errors
    def ChangePassword(
        self, request: P.ChangePasswordRequest, context: grpc.ServicerContext
    ) -> P.ChangePasswordResponse:
        return accounts.change_password(self.uc, current_call(), request)

    @grpc_errors
    def ResetPassword(
        self, request: P.ResetPasswordRequest, context: grpc.ServicerContext
    ) -> P.ResetPasswordResponse:
        return accounts.reset_password(self.uc, current_call(), self.sign_in, request)

    @grpc_errors
    def DisableAccount(
        self, request: P.DisableAccountRequest, context: grpc.ServicerContext
    ) -> P.DisableAccountResponse:
        return accounts.disable(self.uc, current_call(), self.sign_in, request)

    @grpc_errors
    def EnableAccount(
        self, request: P.EnableAccountRequest, context: grpc.ServicerContext
    ) -> P.EnableAccountResponse:
        return accounts.enable(self.uc, current_call(), request)

    @grpc_errors
    def RotateSigningKey(
        self, request: P.RotateSigningKeyRequest, context: grpc.ServicerContext
    ) -> P.RotateSigningKeyResponse:
        return accounts.rotate_key(self.uc, current_call(), self.sign_in, request)


class LeaveServicer(leave_pb2_grpc.LeaveServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = LeaveQueries(uc)

    @grpc_errors
    def RequestLeave(
        self, request: leave_pb2.RequestLeaveRequest, context: grpc.ServicerContext
    ) -> leave_pb2.RequestLeaveResponse:
        return leave.request(self.uc, current_call(), request)

    @grpc_errors
    def DecideLeave(
        self, request: leave_pb2.DecideLeaveRequest, context: grpc.ServicerContext
    ) -> leave_pb2.DecideLeaveResponse:
        return leave.decide(self.uc, current_call(), request)

    @grpc_errors
    def ReportReturn(
        self, request: leave_pb2.ReportReturnRequest, context: grpc.ServicerContext
    ) -> leave_pb2.ReportReturnResponse:
        return leave.report_return(self.uc, current_call(), request)

    @grpc_errors
    def SetLeavePolicy(
        self, request: leave_pb2.SetLeavePolicyRequest, context: grpc.ServicerContext
    ) -> leave_pb2.SetLeavePolicyResponse:
        return leave.set_policy(self.uc, current_call(), request)

    @grpc_errors
    def ListLeave(
        self, request: leave_pb2.ListLeaveRequest, context: grpc.ServicerContext
    ) -> leave_pb2.ListLeaveResponse:
        return self.queries.list_leave(current_call(), request)


class CalendarServicer(calendar_pb2_grpc.CalendarServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = CalendarQueries(uc)

    @grpc_errors
    def PreviewCalendarYear(
        self, request: K.PreviewCalendarYearRequest, context: grpc.ServicerContext
    ) -> K.PreviewCalendarYearResponse:
        return calendar.preview(self.uc, request)

    @grpc_errors
    def LoadCalendarYear(
        self, request: K.LoadCalendarYearRequest, context: grpc.ServicerContext
    ) -> K.LoadCalendarYearResponse:
        return calendar.load(self.uc, current_call(), request)

    @grpc_errors
    def GetCalendarYear(
        self, request: K.GetCalendarYearRequest, context: grpc.ServicerContext
    ) -> K.GetCalendarYearResponse:
        return self.queries.get_year(request)


class TokenKeyServicer(keys_pb2_grpc.TokenKeyServiceServicer):
    def __init__(self, uc: UseCases, real_time: Clock) -> None:
        self.queries = KeyQueries(uc, real_time)

    @grpc_errors
    def GetVerificationKeys(
        self, request: keys_pb2.GetVerificationKeysRequest, context: grpc.ServicerContext
    ) -> keys_pb2.GetVerificationKeysResponse:
        return self.queries.verification_keys()


class AttendanceServicer(attendance_pb2_grpc.AttendanceServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = AttendanceQueries(uc)

    @grpc_errors
    def CheckIn(
        self, request: attendance_pb2.CheckInRequest, context: grpc.ServicerContext
    ) -> attendance_pb2.CheckInResponse:
        return attendance.check_in(self.uc, current_call(), request)

    @grpc_errors
    def CheckOut(
        self, request: attendance_pb2.CheckOutRequest, context: grpc.ServicerContext
    ) -> attendance_pb2.CheckOutResponse:
        return attendance.check_out(self.uc, current_call(), request)

    @grpc_errors
    def ListAttendance(
        self, request: attendance_pb2.ListAttendanceRequest, context: grpc.ServicerContext
    ) -> attendance_pb2.ListAttendanceResponse:
        return self.queries.list_attendance(current_call(), request)

    @grpc_errors
    def CloseDay(
        self, request: attendance_pb2.CloseDayRequest, context: grpc.ServicerContext
    ) -> attendance_pb2.CloseDayResponse:
        return attendance.close_day(self.uc, current_call(), request)


class AssessmentServicer(assessment_pb2_grpc.AssessmentServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc
        self.queries = AssessmentQueries(uc)

    @grpc_errors
    def RecordPraise(
        self, request: assessment_pb2.RecordPraiseRequest, context: grpc.ServicerContext
    ) -> assessment_pb2.RecordPraiseResponse:
        return assessment.record_praise(self.uc, current_call(), request)

    @grpc_errors
    def GetAssessment(
        self, request: assessment_pb2.GetAssessmentRequest, context: grpc.ServicerContext
    ) -> assessment_pb2.GetAssessmentResponse:
        return self.queries.get(current_call(), request)


class RotationServicer(rotation_pb2_grpc.RotationServiceServicer):
    def __init__(self, uc: UseCases) -> None:
        self.uc = uc

    @grpc_errors
    def RequestRotation(
        self, request: rotation_pb2.RequestRotationRequest, context: grpc.ServicerContext
    ) -> rotation_pb2.RequestRotationResponse:
        return rotation.request(self.uc, current_call(), request)

    @grpc_errors
    def RecordTraining(
        self, request: rotation_pb2.RecordTrainingRequest, context: grpc.ServicerContext
    ) -> rotation_pb2.RecordTrainingResponse:
        return rotation.record_training(self.uc, current_call(), request)

    @grpc_errors
    def CompleteRotation(
        self, request: rotation_pb2.CompleteRotationRequest, context: grpc.ServicerContext
    ) -> rotation_pb2.CompleteRotationResponse:
        return rotation.complete(self.uc, current_call(), request)

    @grpc_errors
    def SetRotationPolicy(
        self, request: rotation_pb2.SetRotationPolicyRequest, context: grpc.ServicerContext
    ) -> rotation_pb2.SetRotationPolicyResponse:
        return rotation.set_policy(self.uc, current_call(), request)

    @grpc_errors
    def ListRotations(
        self, request: rotation_pb2.ListRotationsRequest, context: grpc.ServicerContext
    ) -> rotation_pb2.ListRotationsResponse:
        return rotation.list_rotations(self.uc, current_call(), request)
