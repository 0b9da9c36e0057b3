Attribute VB_Name = "XlsuiteRibbon"
' xlsuite ribbon callback, built into xlsuite.xlam by `xlsuite addin build`.
' Every button of the tab goes to XlsuiteAction; the button's Tag names the
' Python action, which the xlwings add-in (xlwings.xlam) starts in a new Python:
'     import xlsuite.excel; xlsuite.excel.run("<tag>")
' That Python attaches back to the active workbook through xw.Book.caller().
' The user's messages are Chinese text in this add-in's hidden sheet (column A:
' key, column B: text), so that this module is plain ASCII under any code page.
Option Explicit

Private Const XLWINGS_ADDIN As String = "xlwings.xlam"

Public Sub XlsuiteAction(control As IRibbonControl)
    RunXlsuite control.Tag
End Sub

Public Sub RunXlsuite(ByVal actionTag As String)
    #If Mac Then
        Notify "mac_only", vbInformation
        Exit Sub
    #End If
    If Not XlwingsLoaded() Then
        Notify "no_xlwings", vbExclamation
        Exit Sub
    End If
    ' xlwings hands the active workbook to Python; a new one stands in when there is none.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    On Error GoTo Failed
    Application.Run "'" & XLWINGS_ADDIN & "'!RunPython", "import xlsuite.excel; xlsuite.excel.run('" & actionTag & "')"
    Exit Sub
Failed:
    ' Shown as it is: the add-in is there, so this is some other problem.
    MsgBox Message("failed") & vbCrLf & vbCrLf & Err.Description & " (" & Err.Number & ")", vbCritical, Message("title")
End Sub

Private Function XlwingsLoaded() As Boolean
    Dim book As Workbook
    On Error Resume Next
    Set book = Workbooks(XLWINGS_ADDIN)
    XlwingsLoaded = Not book Is Nothing
End Function

Private Sub Notify(ByVal key As String, ByVal icon As VbMsgBoxStyle)
    MsgBox Message(key), icon, Message("title")
End Sub

Private Function Message(ByVal key As String) As String
    ' The text under key in the hidden sheet; the key itself if it is missing.
    Dim sheet As Worksheet, row As Long
    Set sheet = ThisWorkbook.Worksheets(1)
    For row = 1 To sheet.UsedRange.Rows.Count
        If sheet.Cells(row, 1).Value = key Then
            Message = sheet.Cells(row, 2).Value
            Exit Function
        End If
    Next row
    Message = key
End Function
