Attribute VB_Name = "XlsuiteRibbon"
' xlsuite ribbon callback. Built into xlsuite.xlam by `xlsuite addin build`.
' Every button of the tab calls XlsuiteAction; the button's Tag names the Python
' action, which the standard xlwings add-in runs in a fresh Python process:
'     import xlsuite.excel; xlsuite.excel.run("<tag>")
' That process attaches back to the active workbook with xw.Book.caller().
Option Explicit

Private Const NO_XLWINGS As String = "\u672A\u80FD\u8C03\u7528 xlwings \u52A0\u8F7D\u9879\uFF08xlwings.xlam\uFF09\u3002\u8BF7\u5148\u5728\u547D\u4EE4\u884C\u8FD0\u884C xlwings addin install\uFF0C\u518D\u91CD\u65B0\u542F\u52A8 Excel\u3002"

Public Sub XlsuiteAction(control As IRibbonControl)
    RunXlsuite control.Tag
End Sub

Public Sub RunXlsuite(ByVal actionTag As String)
    ' xlwings passes the active workbook to Python; a new one stands in when none is open.
    If ActiveWorkbook Is Nothing Then Workbooks.Add
    On Error GoTo NoXlwings
    Application.Run "'xlwings.xlam'!RunPython", "import xlsuite.excel; xlsuite.excel.run('" & actionTag & "')"
    Exit Sub
NoXlwings:
    MsgBox Zh(NO_XLWINGS) & vbCrLf & vbCrLf & Err.Description, vbExclamation, "xlsuite"
End Sub

Private Function Zh(ByVal text As String) As String
    ' Chinese text is kept as \uXXXX escapes so that this module is plain ASCII
    ' and reads the same under every code page.
    Dim i As Long, out As String
    i = 1
    Do While i <= Len(text)
        If Mid$(text, i, 2) = "\u" Then
            out = out & ChrW(CLng("&H" & Mid$(text, i + 2, 4)))
            i = i + 6
        Else
            out = out & Mid$(text, i, 1)
            i = i + 1
        End If
    Loop
    Zh = out
End Function
