window.YTD.account.part0 = [
  {
    "account" : {
      "email" : "support@contoso.com",
      "createdVia" : "web",
      "username" : "contoso_support",
      "accountId" : "1450000000000000001",
      "createdAt" : "2016-09-12T14:00:00.000Z",
      "accountDisplayName" : "Contoso Support"
    }
  }
]