window.YTD.direct_messages_group.part0 = [
  {
    "dmConversation" : {
      "conversationId" : "1790000000000000555",
      "messages" : [
        {
          "messageCreate" : {
            "reactions" : [],
            "urls" : [],
            "text" : "Works for us. See you Thursday at 15:00 CET.",
            "mediaUrls" : [],
            "senderId" : "1450000000000000002",
            "id" : "1800000000000000303",
            "createdAt" : "2024-06-02T10:12:00.000Z",
            "editHistory" : []
          }
        },
        {
          "messageCreate" : {
            "reactions" : [],
            "urls" : [],
            "text" : "Can we review the integration guide together on Thursday?",
            "mediaUrls" : [],
            "senderId" : "1450000000000000001",
            "id" : "1800000000000000302",
            "createdAt" : "2024-06-02T10:05:00.000Z",
            "editHistory" : []
          }
        },
        {
          "participantsJoin" : {
            "initiatingUserId" : "1450000000000000002",
            "userIds" : [
              "1450000000000000004"
            ],
            "createdAt" : "2024-06-02T10:01:00.000Z"
          }
        },
        {
          "conversationNameUpdate" : {
            "initiatingUserId" : "1450000000000000001",
            "name" : "Contoso × Fabrikam launch",
            "createdAt" : "2024-06-02T10:00:30.000Z"
          }
        },
        {
          "joinConversation" : {
            "initiatingUserId" : "1450000000000000002",
            "participantsSnapshot" : [
              "1450000000000000002",
              "1450000000000000001"
            ],
            "createdAt" : "2024-06-02T10:00:00.000Z"
          }
        }
      ]
    }
  }
]